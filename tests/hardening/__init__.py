"""Hardening: faults while the app is open, hostile input, clock jumps, odd terminals, a soak."""
