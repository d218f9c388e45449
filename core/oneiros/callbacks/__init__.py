"""Oneiros callbacks: the core's built-ins, and every plugin's through ``get`` and attribute access."""

from oneiros._namespace import registry_accessors
from oneiros.callbacks._backup_and_restore import BackupAndRestore
from oneiros.callbacks._base import Callback, CallbackList
from oneiros.callbacks._csv_logger import CSVLogger
from oneiros.callbacks._early_stopping import EarlyStopping
from oneiros.callbacks._history import History
from oneiros.callbacks._lambda import LambdaCallback
from oneiros.callbacks._lr_scheduler import LearningRateScheduler
from oneiros.callbacks._model_checkpoint import ModelCheckpoint
from oneiros.callbacks._progbar import ProgbarLogger
from oneiros.callbacks._reduce_lr import ReduceLROnPlateau
from oneiros.callbacks._terminate_on_nan import TerminateOnNaN

BUILTINS: list = [Callback, History, ProgbarLogger, EarlyStopping, ReduceLROnPlateau,
                  LearningRateScheduler, CSVLogger, TerminateOnNaN, LambdaCallback, ModelCheckpoint,
                  BackupAndRestore]
"""What the core registers through ``register_callbacks``; each entry is a class or function."""

get, __getattr__ = registry_accessors("callbacks", __name__)

__all__ = ["BUILTINS", "BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping",
           "History", "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger",
           "ReduceLROnPlateau", "TerminateOnNaN", "get"]
