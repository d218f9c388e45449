"""Oneiros callbacks: the core's built-ins, and every plugin's through ``get`` and attribute access.

``Callback`` is the base class to subclass; concrete callbacks (``oi.callbacks.EarlyStopping``...)
resolve through the registry.
"""

from oneiros._namespace import registry_accessors

BUILTINS: list = [
    "oneiros.callbacks._base:Callback",
    "oneiros.callbacks._history:History",
    "oneiros.callbacks._progbar:ProgbarLogger",
    "oneiros.callbacks._early_stopping:EarlyStopping",
    "oneiros.callbacks._reduce_lr:ReduceLROnPlateau",
    "oneiros.callbacks._lr_scheduler:LearningRateScheduler",
    "oneiros.callbacks._csv_logger:CSVLogger",
    "oneiros.callbacks._terminate_on_nan:TerminateOnNaN",
    "oneiros.callbacks._lambda:LambdaCallback",
    "oneiros.callbacks._model_checkpoint:ModelCheckpoint",
    "oneiros.callbacks._backup_and_restore:BackupAndRestore",
    "oneiros.callbacks._remote_monitor:RemoteMonitor",
    "oneiros.callbacks._tensorboard:TensorBoard",
    "oneiros.callbacks._swap_ema_weights:SwapEMAWeights",
]
"""What the core registers through ``register_callbacks``, as lazy ``"module:Name"`` references (an
``(alias, reference)`` pair registers an alias), so plugin discovery imports none of them."""

__all__ = ["BUILTINS", "Callback", "CallbackList", "get"]

get, __getattr__ = registry_accessors("callbacks", __name__, {"Callback": "oneiros.callbacks._base",
                                                             "CallbackList": "oneiros.callbacks._base"})
