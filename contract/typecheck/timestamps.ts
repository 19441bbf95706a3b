// Moments in time are DateTime (ISO 8601, mapped in codegen.ts), these fields included: a bare
// String here fails to compile.
import type { ModerationWord, PendingPoints, PointsEntry, Product, Scalars } from "./graphql";

type Expect<Check extends true> = Check;
type IsDateTime<Field> = Field extends Scalars["DateTime"]["output"] ? true : false;
export type Timestamps = [
  Expect<IsDateTime<ModerationWord["addedAt"]>>,
  Expect<IsDateTime<PendingPoints["availableAt"]>>,
  Expect<IsDateTime<PointsEntry["createdAt"]>>,
  Expect<IsDateTime<Product["createdAt"]>>,
];
