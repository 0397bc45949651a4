"""Ecosystem adapters: one folder per ecosystem, reading its files and speaking the calculus."""
