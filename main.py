from kaltim_desktop.app import main

if __name__ == "__main__":  # also keeps a spawned worker process from starting the app again
    raise SystemExit(main())
