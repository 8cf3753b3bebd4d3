"""The demo world (`make run`, the end-to-end tests): `world.load_demo` and
the `load_demo` command. Sits above every other app: nothing imports it."""
