"""GraphQL operations of the group-buy stories, as a mini-program sends them."""

CREATE_DEAL = """mutation($input: CreateDealInput!) { createDeal(input: $input) {
  deal { id teamSize prices { skuId price { amount currency } } stock { available } } errors { code field message } } }"""

OPEN_TEAM = """mutation($dealId: ID!, $skuId: ID!, $key: String) {
  openTeam(input: {dealId: $dealId, skuId: $skuId, idempotencyKey: $key}) {
    order { id state statusText amount { amount currency } payBy }
    team { id shareCode state size seatsTaken remainingSeats }
    payment { appId timeStamp nonceStr package signType paySign }
    errors { code field message } } }"""

JOIN_TEAM = """mutation($code: String!, $skuId: ID!, $key: String) {
  joinTeam(input: {shareCode: $code, skuId: $skuId, idempotencyKey: $key}) {
    order { id state statusText amount { amount currency } }
    payment { package signType }
    errors { code field message } } }"""

JOIN_TEAM_LEAN = """mutation($code: String!, $skuId: ID!) {
  joinTeam(input: {shareCode: $code, skuId: $skuId}) { order { id state } payment { package } errors { code } } }"""

TEAM_VIEW = """query($code: String!) { teamByShareCode(shareCode: $code) {
  id shareCode state size seatsTaken paidCount remainingSeats expiresAt completedVirtually
  members { displayName avatarUrl isLeader paid }
  deal { id teamSize perUserLimit } } }"""

MY_ORDERS = """{ me { orders(first: 10) { edges { node {
  id state statusText amount { amount } refunded { amount currency } team { shareCode state } } } } } }"""

MY_TEAMS = """{ me { teams(first: 10) { edges { node { shareCode state paidCount } } } } }"""

CANCEL_SEAT = """mutation($orderId: ID!) { cancelSeat(input: {orderId: $orderId}) {
  order { id state statusText } errors { code field message } } }"""

PAY_ORDER = """mutation($orderId: ID!) { payOrder(input: {orderId: $orderId}) {
  order { id state } payment { package } errors { code field message } } }"""

DEALS = """{ deals(first: 10) { edges { node { id teamSize product { name } prices { price { amount } sku { code } }
  openTeams(first: 5) { edges { node { shareCode remainingSeats } } } } } } }"""
