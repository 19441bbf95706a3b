// Moments in time should be DateTime (ISO 8601, mapped in codegen.ts), as Order.payBy and
// Team.expiresAt are; these fields are still String. Fails to compile until they are DateTime.
import type { ModerationWord, PendingPoints, PointsEntry, Product, Scalars } from "./graphql";

type Expect<Check extends true> = Check;
type IsDateTime<Field> = Field extends Scalars["DateTime"]["output"] ? true : false;
export type Timestamps = [
  Expect<IsDateTime<ModerationWord["addedAt"]>>,
  Expect<IsDateTime<PendingPoints["availableAt"]>>,
  Expect<IsDateTime<PointsEntry["createdAt"]>>,
  Expect<IsDateTime<Product["createdAt"]>>,
];
