from kaltim_desktop.app import main

raise SystemExit(main())
