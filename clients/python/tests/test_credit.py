"""The credit-stream conformance fixtures of docs/credit-stream/ against switchboard.credit: the Java tests
(CreditConformanceTest) run the same files against the Java state machines, so the two sides cannot drift."""

import base64
import json
import pathlib
import unittest

from switchboard.credit import INT_MAX, CreditReceiver, CreditSender

FIXTURES = pathlib.Path(__file__).resolve().parents[3] / "docs" / "credit-stream"


def load(name):
    with open(FIXTURES / name, encoding="utf-8") as fixtures:
        return json.load(fixtures)["cases"]


class ReceiverUnderTest:
    def __init__(self, config):
        self.receiver = CreditReceiver(config["window"], config["batch"], config.get("maxChunkBytes", INT_MAX),
                                       config.get("declaredLength", -1))

    def step(self, step):
        receiver = self.receiver
        if "open" in step:
            return {"grant": receiver.open()}
        if "message" in step:
            received = receiver.on_message(step["message"])
            if received.kind == "chunk":
                return {"chunk": {"seq": received.seq, "data": base64.b64encode(received.data).decode("ascii")}}
            if received.kind in ("error", "violation"):
                return {received.kind: received.reason}
            return {received.kind: True}
        if "taken" in step:
            return {"grant": receiver.taken(step["taken"])}
        if "drained" in step:
            return {"grant": receiver.drained(step["drained"])}
        if "owe" in step:
            return receiver.owe()
        if "flush" in step:
            return {"grant": receiver.flush()}
        if "close" in step:
            return receiver.close()
        raise ValueError("unknown step %r" % step)

    def state(self):
        return {"awaiting": self.receiver.awaiting_chunks, "received": self.receiver.received}


class SenderUnderTest:
    def __init__(self, config):
        self.sender = CreditSender(config["maxChunkBytes"])

    def step(self, step):
        sender = self.sender
        if "control" in step:
            control = sender.on_control(step["control"])
            if control.kind == "granted":
                return {"granted": control.credit}
            if control.kind == "cancelled":
                return {"cancelled": control.reason}
            return {"ignored": True}
        if "take" in step:
            return {"seq": sender.take()} if sender.can_send else {"refused": True}
        if "close" in step:
            return {"tell": sender.close()}
        raise ValueError("unknown step %r" % step)

    def state(self):
        return {"destination": self.sender.destination, "maxChunkBytes": self.sender.max_chunk_bytes,
                "canSend": self.sender.can_send, "open": self.sender.is_open}


class ConformanceTest(unittest.TestCase):
    def run_cases(self, name, make, config_key):
        cases = load(name)
        self.assertTrue(cases, "no cases in %s" % name)
        for case in cases:
            with self.subTest(case["name"]):
                machine = make(case[config_key])
                for index, step in enumerate(case["steps"]):
                    where = "step %d %s" % (index, json.dumps(step))
                    answer = machine.step(step)
                    if "expect" in step:
                        self.assertEqual(answer, step["expect"], where)
                    state = machine.state()
                    self.assertEqual({key: state[key] for key in step.get("state", {})}, step.get("state", {}), where)

    def test_receiver(self):
        """The receiving end answers every message and event as docs/credit-stream/receiver.json says."""
        self.run_cases("receiver.json", ReceiverUnderTest, "receiver")

    def test_sender(self):
        """The sending end answers every control message and chunk as docs/credit-stream/sender.json says."""
        self.run_cases("sender.json", SenderUnderTest, "sender")


if __name__ == "__main__":
    unittest.main()
