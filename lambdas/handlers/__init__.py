"""Thin Lambda handlers: AWS I/O around the pure logic in evalcore."""
