// Client code written against the generated types (./graphql is codegen's output, placed beside
// this file by tests/contract/test_codegen.py): it must compile under `tsc --strict`.
import type { DiscoverFeedQuery, LoginMutation, Money, OpenTeamMutation } from "./graphql";

export function postIds(page: DiscoverFeedQuery): string[] {
  return page.discoverFeed?.edges.map((edge) => edge.node.id) ?? [];
}

export function token(login: LoginMutation): string | null {
  return login.loginWithWechat?.token ?? null;
}

// Money is integers in the minor unit: formatting divides once, at the edge.
export function yuan(money: Pick<Money, "amount" | "currency">): string {
  return `${(money.amount / 100).toFixed(2)} ${money.currency}`;
}

export function teamDeadline(opened: OpenTeamMutation): Date | null {
  const expiresAt = opened.openTeam?.team?.expiresAt;
  return expiresAt ? new Date(expiresAt) : null;
}
