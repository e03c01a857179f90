# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The ament linter trio: flake8 (99 columns), pep257 docstrings, copyright headers."""

from pathlib import Path

from conftest import REPO
import pytest

PY_ROOTS = ['lwd_ros', 'test', 'bench', 'launch', 'scripts', 'setup.py']
HEADER = ('# Copyright 2026 lwd_ros contributors', '# SPDX-License-Identifier: Apache-2.0')


def _python_files():
    for root in PY_ROOTS:
        path = REPO / root
        yield from ([path] if path.is_file() else sorted(path.rglob('*.py')))


@pytest.mark.linter
def test_flake8():
    from ament_flake8.main import main_with_errors
    rc, errors = main_with_errors(argv=[str(REPO / r) for r in PY_ROOTS])
    assert rc == 0, f'{len(errors)} flake8 errors:\n' + '\n'.join(errors)


@pytest.mark.linter
def test_pep257():
    # Google convention: LeRobot-style `Args:` sections (style.md). Missing docstrings are
    # allowed, as in ament's own convention; the ones present must be well-formed.
    from ament_pep257.main import main
    rc = main(argv=['--convention', 'google', '--add-ignore', 'D100', 'D101', 'D102', 'D103',
                    'D104', 'D105', 'D106', 'D107', '--', *[str(REPO / r) for r in PY_ROOTS]])
    assert rc == 0, 'pep257 errors, see captured output'


@pytest.mark.linter
def test_copyright_headers():
    missing = [str(p.relative_to(REPO)) for p in _python_files()
               if tuple(Path(p).read_text().splitlines()[:2]) != HEADER]
    assert not missing, f'files without the licence header {HEADER}: {missing}'
