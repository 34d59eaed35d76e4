"""Evaluate the intent matcher on public benchmarks and JSONL cases, beside two references."""
