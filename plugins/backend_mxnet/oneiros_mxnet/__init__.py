"""The MXNet plugin for Oneiros."""
