"""Distribution on JAX's own runtime: ``jax.sharding`` meshes and ``jax.distributed`` processes.

:class:`JaxDistributionSupport` is what the JAX backend exposes as ``backend.distribution``
(the ``oneiros.distribution.DistributionSupport`` protocol).
"""

from oneiros_jax.distribution._support import JaxDistributionSupport

__all__ = ["JaxDistributionSupport"]
