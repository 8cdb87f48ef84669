"""`python -m campaign.cli`: the same as the `campaign` console script."""

from campaign.cli import main

main()
