"""hall"""
