"""The numpy reference backend's ops namespace: one function per op of ``oneiros.ops.CONTRACT``."""

from oneiros.backends.numpy_reference._control import *  # noqa: F403
from oneiros.backends.numpy_reference._core import *  # noqa: F403
from oneiros.backends.numpy_reference._linalg import *  # noqa: F403
from oneiros.backends.numpy_reference._math import *  # noqa: F403
from oneiros.backends.numpy_reference._nn import *  # noqa: F403
from oneiros.backends.numpy_reference._random import *  # noqa: F403
from oneiros.backends.numpy_reference._reduction import *  # noqa: F403
from oneiros.backends.numpy_reference._shape import *  # noqa: F403
from oneiros.backends.numpy_reference._signal import *  # noqa: F403
