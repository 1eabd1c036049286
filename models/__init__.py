"""Shipped model artifacts (``models/<name>/``); ``default`` is used when no model is named."""
