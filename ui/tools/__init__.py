"""Tools that drive the real Qt widgets (screenshots); run as scripts."""
