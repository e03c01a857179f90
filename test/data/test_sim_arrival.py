# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The recorder's sim time of arrival when the sim is slow or paused (``ArrivalClock``)."""

import pytest

from lwd_ros.data.sim_arrival import ArrivalClock

MS = 1_000_000


def test_a_slow_sim_maps_the_queueing_delay_at_its_own_rate():
    # The sim runs at a third of real time: 300 ms of wall is 100 ms of sim.
    clock = ArrivalClock()
    for wall in range(0, 1000 * MS + 1, 10 * MS):
        clock.note(wall, wall // 3)
    # A message received at 400 ms of wall, handled at 1000 ms (600 ms in the queue):
    assert clock.at(400 * MS) == 400 * MS // 3
    # What the sim clock less the wall delay gave: 333 - 600 ms, before the sim started.
    assert 1000 * MS // 3 - 600 * MS < 0


def test_a_paused_sim_stamps_its_waiting_time_with_the_pause():
    # The episode ended at sim 5 s; the sim waits 2 s of wall for the first command.
    clock = ArrivalClock()
    clock.note(0, 5000 * MS)
    clock.note(2000 * MS, 5000 * MS)
    clock.note(2100 * MS, 5100 * MS)  # running again
    assert clock.at(1500 * MS) == 5000 * MS  # not 1.5 s before the previous episode's end
    assert clock.at(2050 * MS) == 5050 * MS  # between readings: linear
    assert clock.at(9000 * MS) == 5100 * MS  # after the newest reading: the newest


def test_readings_never_go_back_and_old_ones_are_dropped():
    clock = ArrivalClock(keep=10)
    clock.note(100, 50)
    clock.note(90, 40)  # both earlier than the last: held at it
    assert clock.at(95) == 50 and clock.at(200) == 50
    for t in range(200, 300):
        clock.note(t, t)
    assert clock.at(0) >= 270  # only the newest pairs kept: older times get the oldest kept
    assert clock.at(299) == 299


def test_no_reading_yet_is_an_error():
    with pytest.raises(ValueError, match='no sim clock'):
        ArrivalClock().at(0)
