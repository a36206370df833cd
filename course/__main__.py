from course.learner import main

raise SystemExit(main())
