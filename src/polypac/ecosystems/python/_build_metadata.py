"""The build step of :mod:`polypac.ecosystems.python.sdist`, run as its own process.

``python -m polypac.ecosystems.python._build_metadata SOURCE ENV OUTPUT`` makes an
isolated build environment in the empty folder ``ENV`` (pypa ``build``'s
:class:`~build.env.DefaultIsolatedEnv`: a fresh venv, the project's build requirements
installed into it by pip), asks the backend of the source tree ``SOURCE`` for its wheel
metadata (``prepare_metadata_for_build_wheel``, else ``build_wheel`` and the wheel's
``.dist-info``, as PEP 517 says) and copies the ``METADATA`` file to ``OUTPUT``.

Everything the backend and pip say goes to this process's stdout and stderr, which the
caller keeps; a failure ends with an ``error: <step> failed: <why>`` line and exit status 1.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["build_metadata", "main"]


class _Steps:
    """The step the build is at, for the error line that names it."""

    def __init__(self) -> None:
        self.current = "creating the isolated build environment"


def build_metadata(source: Path, environment: Path, output: Path, steps: _Steps) -> None:
    """Write the ``METADATA`` that the backend of ``source`` makes to ``output``, with
    ``environment`` (empty or missing) as the isolated build environment; the backend
    writes its ``.dist-info`` (or wheel) into ``metadata-out`` beside ``output``. ``steps``
    follows the step being taken."""
    import pyproject_hooks
    from build import ProjectBuilder
    from build.env import DefaultIsolatedEnv

    with DefaultIsolatedEnv(path=str(environment)) as env:
        steps.current = "reading [build-system] of pyproject.toml"
        # the default runner lets the hooks' output through to ours, for the caller to keep
        builder = ProjectBuilder.from_isolated_env(
            env, source, runner=pyproject_hooks.default_subprocess_runner
        )
        steps.current = "installing the build requirements with pip"
        env.install(builder.build_system_requires)
        steps.current = "asking the backend for its wheel build requirements"
        needed = builder.get_requires_for_build("wheel")
        steps.current = "installing the backend's wheel build requirements with pip"
        env.install(needed)
        steps.current = "asking the backend for the wheel metadata"
        dist_info = Path(builder.metadata_path(output.parent / "metadata-out"))
        steps.current = "reading the METADATA the backend made"
        shutil.copyfile(dist_info / "METADATA", output)


def main(argv: Sequence[str] | None = None) -> int:
    """Run :func:`build_metadata` on ``SOURCE ENV OUTPUT``; 0 on success, 1 on failure,
    whose last line is ``error: <step> failed: <why>``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 3:
        print("usage: python -m polypac.ecosystems.python._build_metadata SOURCE ENV OUTPUT")
        return 2
    # build reports its steps, and the output of a pip that failed, through logging
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    from build import BuildBackendException, BuildException, FailedProcessError

    source, environment, output = (Path(argument) for argument in arguments)
    steps = _Steps()
    try:
        build_metadata(source, environment, output, steps)
    except (
        BuildBackendException,
        BuildException,
        FailedProcessError,
        subprocess.CalledProcessError,
        OSError,
    ) as error:
        print(f"error: {steps.current} failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
