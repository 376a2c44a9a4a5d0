"""Programs the tests run in processes of their own (`python -m tests.programs.NAME`):
another Keras backend, several workers or devices. Not tests themselves."""
