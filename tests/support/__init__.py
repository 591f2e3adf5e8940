"""Shared test helpers: throwaway databases."""
