"""Run the Daraja simulator alone: `python -m backend.simulator --port 8300`.

Fault tests run it in its own process so that it outlives the server they kill, as Daraja
does. Credentials and the shortcode come from the MSAIDIZI_BACKEND_* settings.
"""

from __future__ import annotations

import argparse

import uvicorn

from backend.config import BackendSettings
from backend.simulator.daraja import DarajaSimulator


def main() -> None:
    """Parse the arguments and serve the simulator until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--delay", type=float, default=None, help="seconds before the result")
    parser.add_argument("--require-https", action="store_true", help="refuse http callbacks")
    args = parser.parse_args()
    settings = BackendSettings()
    simulator = DarajaSimulator(settings, require_https=args.require_https)
    if args.delay is not None:
        simulator.delay = args.delay
    uvicorn.run(simulator.app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
