"""Test suite for Accords Monitor."""
