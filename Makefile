# The two commands (README): `make demo` runs the PushT sim graph, `make test` runs the tests.
# Both set everything up first; stamps under .venv make the second run fast.
VENV := .venv
BIN := $(VENV)/bin
SOURCES := $(shell find lwd_ros launch config models resource -type f \
             -not -path '*/__pycache__/*' 2>/dev/null) setup.py package.xml
# Per-process isolation: tests pick their own ROS_DOMAIN_ID; discovery never leaves the host.
export ROS_AUTOMATIC_DISCOVERY_RANGE := LOCALHOST
export RMW_IMPLEMENTATION := rmw_fastrtps_cpp
export MUJOCO_GL ?= egl

.PHONY: setup demo test lint bench clean
setup: $(VENV)/.installed

$(VENV)/.deps: requirements.txt scripts/setup.sh
	scripts/setup.sh venv
	touch $@

$(VENV)/.msgs: $(VENV)/.deps $(wildcard msg/*.msg srv/*.srv) CMakeLists.txt \
               scripts/build_msgs.sh
	scripts/setup.sh msgs
	touch $@

$(VENV)/.installed: $(VENV)/.msgs $(SOURCES)
	scripts/setup.sh package
	touch $@

demo: setup
	$(BIN)/lwd launch pusht_sim episodes:=3 real_time_factor:=2.0 video:=outputs/demo.mp4 \
	  --json outputs/demo.json

lint: setup
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/python -m pytest -q test

bench: setup
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf build install log *.egg-info $(VENV)/.deps $(VENV)/.msgs $(VENV)/.installed
