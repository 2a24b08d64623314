"""Date and number formats per language (FORMAT_MODULE_PATH): one way to write a date.

Templates name a format (``|date:"DATE_FORMAT"``, ``"DATETIME_FORMAT"``), never a pattern;
tests/lib/test_formats.py checks that. Only what differs from Django's locale is set.
"""
