"""The connector space: the link store (source id <-> anchor <-> last DN) and watermarks."""

__all__: list[str] = []
