"""Community group-buy (社区团购): leaders and their pickup points, sale rounds (issue 13)."""
