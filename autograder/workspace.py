"""The learner's working copy: release/ copied into work/, never overwriting what the learner changed."""

import shutil
from pathlib import Path


def update_workspace(root, workspace):
    """Copy every release file that the workspace lacks; return the paths copied.

    Existing files are the learner's and stay untouched, so updating the course never loses work,
    and new modules in release/ appear in the workspace the next time it starts.
    """
    release = Path(root) / "release"
    copied = []
    for source in sorted(release.rglob("*")):
        if source.is_dir() or ".ipynb_checkpoints" in source.parts:
            continue
        target = Path(workspace) / source.relative_to(release)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied.append(target)
    return copied
