# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd view``: the graph's topics reach a Foxglove WebSocket client, decodable from the schema.

The client here is a real WebSocket client speaking the Foxglove protocol (``foxglove.sdk.v1``)
and decodes each payload only from what the server advertised (rosbags parses the ``ros2msg``
schema, as Foxglove would), so a schema that does not match the wire fails the test.
"""

import json
import re
import signal
import struct
import subprocess
import sys
import threading
import time

import pytest
from rosbags.typesys import Stores, get_types_from_msg, get_typestore

from lwd_ros.ros.markers import STATUS_NS, Shape, marker_array
from lwd_ros.ros.view import MARKERS, POLICY_TOPIC, msg_definition, policy_text


def _decode(schema: str, msgtype: str, payload: bytes):
    """A little-endian CDR message from its ``ros2msg`` schema alone.

    Trailing bytes are allowed, as Foxglove's reader allows them: rclpy's serialisation can
    end in a few bytes of buffer slack, which ``deserialize_cdr``'s size check refuses.
    """
    store = get_typestore(Stores.EMPTY)
    store.register(get_types_from_msg(schema, msgtype))
    assert payload[:2] == b'\x00\x01'  # CDR, little endian
    msgdef = store.get_msgdef(msgtype)
    message, end = msgdef.deserialize_cdr_le(payload[4:], 0, msgdef.cls, store)
    assert end <= len(payload) - 4
    return message


@pytest.mark.parametrize('msgtype', [MARKERS, 'diagnostic_msgs/msg/DiagnosticArray',
                                     'sensor_msgs/msg/JointState', 'lwd_ros/msg/EpisodeStatus'])
def test_schemas_decode_what_rclpy_serialises(msgtype):
    from rclpy.serialization import serialize_message

    from lwd_ros.ros.view import message_class

    if msgtype == MARKERS:
        msg = marker_array([Shape('sphere', 'a', 0, (1.0, 2.0, 3.0))], 'world')
        header = lambda m: m.markers[0].header  # noqa: E731
    else:
        msg, header = message_class(msgtype)(), lambda m: m.header
    header(msg).frame_id = 'world'
    schema = msg_definition(msgtype)
    assert schema.count('MSG: ') == len(set(re.findall(r'^MSG: (\S+)$', schema, re.M)))
    assert header(_decode(schema, msgtype, serialize_message(msg))).frame_id == 'world'


def test_policy_text_reads_the_controllers_diagnostics():
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue

    msg = DiagnosticArray(status=[
        DiagnosticStatus(name='other', values=[KeyValue(key='x', value='1')]),
        DiagnosticStatus(name='lwd_controller', values=[
            KeyValue(key='policy_age_s', value='0.412'), KeyValue(key='task', value='left'),
            KeyValue(key='mode', value='run')])])
    text = policy_text(msg, (1.0, 2.0, 0.5))
    assert text.text == 'policy age 0.412 s  left  run'
    assert text.position[:2] == (1.0, 2.0) and text.position[2] < 0.5
    assert policy_text(DiagnosticArray(), (0.0, 0.0, 0.0)) is None


class _Client:
    """A Foxglove WebSocket client: the server's channels, subscriptions, decoded messages."""

    def __init__(self, port):
        import websocket

        self.ws = websocket.create_connection(f'ws://127.0.0.1:{port}', timeout=5,
                                              subprotocols=['foxglove.sdk.v1'])
        assert self.ws.subprotocol == 'foxglove.sdk.v1'
        self.channels, self.subscriptions, self.messages = {}, {}, []
        self.retries = 0

    def subscribe(self, topic):
        channel = next(c for c in self.channels.values() if c['topic'] == topic)
        sid = len(self.subscriptions) + 1
        self.subscriptions[sid] = channel
        self._send_subscribe(sid)

    def _send_subscribe(self, sid):
        channel_id = self.subscriptions[sid]['id']
        self.ws.send(json.dumps({'op': 'subscribe',
                                 'subscriptions': [{'id': sid, 'channelId': channel_id}]}))

    def _refused(self, msg):
        # foxglove-sdk 0.30 advertises a channel created while a client is connected a moment
        # before it accepts subscriptions to it, and answers one that comes in between with
        # "Unknown channel ID" (seen on a loaded machine when the view discovers a topic
        # after the client connected): subscribe again, as a client that wants the topic must.
        refused = re.fullmatch(r'Unknown channel ID: (\d+)', msg.get('message', ''))
        for sid, channel in self.subscriptions.items():
            if refused and channel['id'] == int(refused.group(1)):
                self.retries += 1
                assert self.retries <= 50, 'the server keeps refusing an advertised channel'
                time.sleep(0.1)
                self._send_subscribe(sid)

    def receive(self, until, timeout):
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline:
            frame = self.ws.recv()
            if isinstance(frame, str):
                msg = json.loads(frame)
                if msg['op'] == 'advertise':
                    self.channels.update({c['id']: c for c in msg['channels']})
                elif msg['op'] == 'status':
                    self._refused(msg)
            elif frame[0] == 1:  # message data: opcode, subscription id, log time, payload
                sid, _ = struct.unpack_from('<IQ', frame, 1)
                c = self.subscriptions[sid]
                assert (c['encoding'], c['schemaEncoding']) == ('cdr', 'ros2msg')
                self.messages.append((c['topic'], _decode(c['schema'], c['schemaName'],
                                                          frame[13:])))
        return until()

    def topics(self):
        return {c['topic'] for c in self.channels.values()}


def test_lwd_view_streams_markers_to_a_websocket_client(rclpy_context, ros_env):
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
    import rclpy
    from visualization_msgs.msg import MarkerArray

    from lwd_ros.ros.qos import RELIABLE

    view = subprocess.Popen([sys.executable, '-m', 'lwd_ros', 'view', '--port', '0'],
                            env=ros_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    node = rclpy.create_node('marker_source', context=rclpy_context)
    markers = node.create_publisher(MarkerArray, '/viz/markers', RELIABLE)
    diagnostics = node.create_publisher(DiagnosticArray, '/diagnostics', 10)
    status = Shape('text', STATUS_NS, 0, (0.25, 0.5, 0.2), text='classic  episode 1  step 4')
    diag = DiagnosticArray(status=[DiagnosticStatus(name='lwd_controller', values=[
        KeyValue(key='policy_age_s', value='0.250'), KeyValue(key='task', value='classic')])])
    node.create_timer(0.1, lambda: (markers.publish(marker_array([status], 'world')),
                                    diagnostics.publish(diag)))
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    spinner = threading.Thread(target=executor.spin, daemon=True)
    spinner.start()
    lines = []
    try:
        for line in view.stdout:  # the port it took: in its first log line
            lines.append(line)
            port = re.search(r'ws://127\.0\.0\.1:(\d+)', line)
            if port:
                break
        assert port, ''.join(lines)
        client = _Client(int(port.group(1)))
        assert client.receive(lambda: {'/viz/markers', '/diagnostics'} <= client.topics(), 15)
        client.subscribe('/viz/markers')
        client.subscribe(POLICY_TOPIC)
        got = lambda topic: [m for t, m in client.messages if t == topic]  # noqa: E731
        # the policy text hangs under the status text once the view has seen one
        anchored = lambda: [m for m in got(POLICY_TOPIC)  # noqa: E731
                            if m.markers[0].pose.position.x == 0.25]
        # generous: a loaded CI machine starves the view's discovery timer for seconds
        received = client.receive(lambda: got('/viz/markers') and anchored(), 30)
        xs = [m.markers[0].pose.position.x for m in got(POLICY_TOPIC)][:20]
        assert received, (len(got('/viz/markers')), xs)
        marker = got('/viz/markers')[-1].markers[0]
        assert (marker.ns, marker.text, marker.header.frame_id) == (
            STATUS_NS, status.text, 'world')
        assert (marker.pose.position.x, marker.pose.position.y) == (0.25, 0.5)
        policy = anchored()[-1].markers[0]
        assert policy.text == 'policy age 0.250 s  classic'
        assert policy.pose.position.z < 0.2  # under the status text
        client.ws.close()
    finally:
        view.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            out = view.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            view.kill()
            out = view.communicate()[0]
        executor.shutdown()
        node.destroy_node()
    assert view.returncode == 0 and 'Traceback' not in out, ''.join(lines) + out
