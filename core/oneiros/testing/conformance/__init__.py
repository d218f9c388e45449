"""The backend conformance kit: proves a backend plugin against the numpy reference.

Run it with::

    pytest --pyargs oneiros.testing.conformance --oneiros-backend NAME

(without ``--oneiros-backend`` it checks the active default backend). It checks, on the
backend under test:

- every op of ``oneiros.ops.CONTRACT`` exists with the contract's parameter names and defaults,
  and gives the reference's values, dtype names and shapes on a catalogue of cases
  (broadcasting, weak Python scalars, negative axes, keepdims, size-0 and size-1 dimensions,
  integer/bool/float16/bfloat16 dtypes, large magnitudes, convolution and pooling settings);
- backends declaring ``jit``: a selection of cases (scan, cond and fori_loop among them) inside
  ``backend.jit``;
- backends declaring ``trainable``: ``value_and_grad`` of every differentiable op against finite
  differences of the reference;
- random ops: determinism per seed and sample statistics (never compared with the reference);
- the Backend interface: capabilities, ``require``, errors for bad shapes and dtypes.

A backend that cannot pass some case says so in a file named by its ``conformance_exclusions``
attribute, one ``op_or_case_id: reason`` per line (``#`` starts a comment line). Excluded checks
are skipped with the reason, and the kit lists every exclusion at the end of the run.
"""
