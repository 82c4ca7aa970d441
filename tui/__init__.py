"""The Textual app: it presents audit runs and asks the user; it never judges."""
