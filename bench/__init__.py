"""The benchmarks of issue 6, run by `make bench` (bench/run.py): figures at 1,000,000 soldiers,
the province dashboard, the summary workbook, the ledger import and HTTP under load, each against
a bare baseline measured in the same run. The figures go to bench/RESULTS.md; nothing here is
part of the test suite."""
