// wx.requestPayment accepts only the signTypes WeChat defines ("RSA" for API v3): the schema says
// which with an enum, so the generated type is not a bare string.
import type { PaymentParams } from "./graphql";

type Expect<Check extends true> = Check;
export type SignTypeIsAnEnum = Expect<string extends PaymentParams["signType"] ? false : true>;
