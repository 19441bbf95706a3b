// wx.requestPayment accepts only the signTypes WeChat defines ("RSA" for API v3, "MD5"/"HMAC-SHA256"
// for v2): the schema should say which with an enum, not String. Fails to compile until it does.
import type { PaymentParams } from "./graphql";

type Expect<Check extends true> = Check;
export type SignTypeIsAnEnum = Expect<string extends PaymentParams["signType"] ? false : true>;
