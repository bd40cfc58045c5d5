"""Forms of the server-rendered site, one module per domain on base.py. They parse and
explain; services decide and write."""
