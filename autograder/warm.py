"""Imported by the fork server that a LocalCluster's workers are forked from (autograder.cluster.start_worker_server):
each worker then starts warm, with the grader's imports and matplotlib's font list done once for all of them."""

from autograder.plan_shelf import warm_up

warm_up()
