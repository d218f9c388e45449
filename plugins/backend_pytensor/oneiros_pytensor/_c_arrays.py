"""C snippets shared by this backend's array ops: output allocation and contiguous inputs."""

from __future__ import annotations


def output(name: str, like: str, dims: str, fail: str) -> str:
    """C that (re)allocates output ``name`` as a C-contiguous array of ``like``'s type with ``dims``."""
    return f"""
    {{
        npy_intp wanted[4] = {dims};
        if ({name} == NULL || !PyArray_IS_C_CONTIGUOUS({name}) || PyArray_TYPE({name}) != PyArray_TYPE({like})
                || !PyArray_CompareLists(PyArray_DIMS({name}), wanted, 4)) {{
            Py_XDECREF({name});
            {name} = (PyArrayObject*)PyArray_EMPTY(4, wanted, PyArray_TYPE({like}), 0);
            if ({name} == NULL) {fail}
        }}
    }}
"""


def contiguous(names: list[str], fail: str) -> str:
    """C declaring ``<name>_c``, a C-contiguous reference to each array, released by :func:`release`."""
    declarations = "".join(f"PyArrayObject* {name}_c = NULL;\n" for name in names)
    checks = "".join(f"{name}_c = PyArray_GETCONTIGUOUS({name}); if ({name}_c == NULL) {{ {release(names)} {fail} }}\n"
                     for name in names)
    return declarations + checks


def release(names: list[str]) -> str:
    return " ".join(f"Py_XDECREF({name}_c);" for name in names)
