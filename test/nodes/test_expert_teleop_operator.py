# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""expert_teleop with a simulated human (``operator_*``): the commands ``lwd collect`` makes.

A lab's bag over ROS must hold what ``lwd collect --operator-drift/--operator-hesitation``
would have executed for the same episode seed: the node's commands are the expert's targets
through ``Operator.episode(seed)``, clipped to the command's limits, and not the clean ones.
"""

import numpy as np
import pytest

from lwd_ros.data.operator import Operator
from lwd_ros.envs.arm7.env import Arm7PushEnv
from lwd_ros.envs.arm7.spec import ARM7

rclpy = pytest.importorskip('rclpy')

from rclpy.parameter import Parameter  # noqa: E402

from lwd_ros.msg import EpisodeStatus  # noqa: E402
from lwd_ros.nodes.expert_teleop import ExpertTeleop  # noqa: E402

DRIFT, HESITATION, SEED, STEPS = 0.02, 0.1, 7, 40


def _teleop(context, obs, **params):
    """An arm7 expert_teleop whose robot always shows ``obs``; its commands, as a list."""
    params = dict(robot='arm7', min_command_listeners=0, obs_timeout=1e9, **params)
    node = ExpertTeleop(context=context, parameter_overrides=[
        Parameter(k, value=v) for k, v in params.items()])
    node.obs.observation = lambda: obs
    node.obs.ages = lambda now: [0.0]
    sent = []
    node.command.publish = lambda action: sent.append(np.array(action, np.float64))
    return node, sent


def _episode(node, episode, seed, steps=STEPS, repeat=()):
    for k in range(steps):
        for _ in range(2 if k in repeat else 1):
            node.on_episode(EpisodeStatus(episode=episode, seed=seed, task='goal_left',
                                          step=k, done=False))


def test_operator_commands_are_collects_for_the_seed(rclpy_context):
    env = Arm7PushEnv()
    obs, _ = env.reset(seed=SEED, options={'task': 'goal_left'})
    env.close()
    clean, clean_sent = _teleop(rclpy_context, obs)
    noisy, noisy_sent = _teleop(rclpy_context, obs, operator_drift=DRIFT,
                                operator_hesitation=HESITATION)
    try:
        _episode(clean, 1, SEED)
        _episode(noisy, 1, SEED, repeat=(5, 6))  # a repeated step repeats its command
        meant = np.array(clean_sent)
        assert len(meant) == STEPS
        hand = Operator(drift=DRIFT, hesitation=HESITATION).episode(SEED, len(ARM7.command.low))
        low, high = np.array(ARM7.command.low), np.array(ARM7.command.high)
        expected = np.array([np.clip(hand.step(m), low, high) for m in meant])
        assert hand.pauses > 0  # the sequence holds a pause, not only drift
        got = np.array(noisy_sent)
        np.testing.assert_array_equal(got[[5, 7]], got[[6, 8]])
        got = np.delete(got, [6, 8], axis=0)
        np.testing.assert_allclose(got, expected, atol=1e-12)
        assert np.abs(got - meant).max() > 0.01  # not the clean expert
        noisy_sent.clear()  # the next episode: the operator restarts from its seed
        _episode(noisy, 2, SEED)
        np.testing.assert_allclose(np.array(noisy_sent), expected, atol=1e-12)
    finally:
        clean.destroy_node()
        noisy.destroy_node()


def test_bad_operator_parameter_is_refused_in_words(rclpy_context):
    with pytest.raises(ValueError, match='operator_hesitation'):
        _teleop(rclpy_context, np.zeros(17), operator_hesitation=1.5)
