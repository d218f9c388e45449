"""The ONNX plugin for Oneiros."""
