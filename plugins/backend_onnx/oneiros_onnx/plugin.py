"""Entry point of the ONNX plugin; what it registers grows with its issue."""

ONEIROS_PLUGIN_API = 1
