"""Entry point ``onnx``: the onnx backend, the "onnx" and "web" exporters and the "onnx" model reader,
importing onnx and onnxruntime only when one of them is first used."""

import oneiros

ONEIROS_PLUGIN_API = 1


def _onnx_backend():
    from oneiros_onnx.backend import OnnxBackend

    return OnnxBackend()


@oneiros.hookimpl
def register_backends(register):
    register(_onnx_backend, name="onnx")


@oneiros.hookimpl
def register_exporters(register):
    register(oneiros.lazy("oneiros_onnx.export:export_onnx"), name="onnx")
    register(oneiros.lazy("oneiros_onnx.web:export_web"), name="web")


@oneiros.hookimpl
def register_model_readers(register):
    register(oneiros.lazy("oneiros_onnx.model_file:load_onnx"), name="onnx")
