# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""package.xml, CMakeLists.txt, setup.py and the installed files tell one story."""

from importlib import metadata
from pathlib import Path
import re
import sys
import xml.etree.ElementTree as ET

from conftest import REPO

NODES = (REPO / 'resource' / 'nodes.txt').read_text().split()
PACKAGE = ET.parse(REPO / 'package.xml').getroot()


def _declared(tag_names=('depend', 'exec_depend', 'build_depend', 'buildtool_depend')):
    return {e.text for t in tag_names for e in PACKAGE.iter(t)}


def test_package_xml_is_format_3_ament_cmake_interface_package():
    assert PACKAGE.get('format') == '3' and PACKAGE.findtext('name') == 'lwd_ros'
    assert PACKAGE.find('export/build_type').text == 'ament_cmake'
    assert PACKAGE.findtext('member_of_group') == 'rosidl_interface_packages'


def test_every_ros_package_the_code_imports_is_declared():
    imported = set()
    for path in (REPO / 'lwd_ros').rglob('*.py'):
        text = path.read_text()
        imported |= set(re.findall(r'^\s*from (\w+_(?:msgs|srvs))\.(?:msg|srv) import', text,
                                   re.M))
        imported |= {'rclpy'} if re.search(r'^\s*(import|from) rclpy', text, re.M) else set()
    missing = imported - _declared() - {'lwd_ros'}
    assert not missing, f'package.xml lacks <depend> on {sorted(missing)}'


def test_interfaces_are_all_generated():
    cmake = (REPO / 'CMakeLists.txt').read_text()
    for path in [*REPO.glob('msg/*.msg'), *REPO.glob('srv/*.srv')]:
        assert f'"{path.relative_to(REPO)}"' in cmake, f'{path.name} not generated'


def test_cmake_installs_node_launchers_and_share_folders():
    cmake = (REPO / 'CMakeLists.txt').read_text()
    assert 'file(STRINGS resource/nodes.txt' in cmake
    assert 'DESTINATION lib/${PROJECT_NAME}' in cmake
    assert re.search(r'install\(DIRECTORY launch config models DESTINATION share', cmake)


def test_installed_console_scripts_are_the_nodes_plus_the_cli():
    scripts = {ep.name for ep in metadata.distribution('lwd-ros-py').entry_points
               if ep.group == 'console_scripts'}
    assert scripts == {'lwd', *NODES}


def test_installed_share_has_every_launch_and_config_file():
    share = Path(sys.prefix) / 'share' / 'lwd_ros'
    assert (share / 'package.xml').is_file()
    for folder in ('launch', 'config'):
        for src in (REPO / folder).rglob('*'):
            if src.is_file() and '__pycache__' not in src.parts:
                assert (share / src.relative_to(REPO)).is_file(), f'{src} not installed'
