"""Signing in (a WeChat mini-program login code for an access token) and the caller's own profile."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from chalicelib.accounts import profile
from chalicelib.accounts import service as auth_service
from chalicelib.accounts.graphql.user import User
from chalicelib.adapters.wechat_login import wechat_login_for
from chalicelib.core.clock import utc_now
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.errors import UserError, payload_errors


@strawberry.input
class LoginWithWechatInput:
    code: str = strawberry.field(description="The one-time code from wx.login().")
    invite_code: str | None = strawberry.field(
        default=None, description="The inviter's `inviteCode` (老带新), from the invite card's `scene`: binds you to "
                                  "the inviter only if this sign-in creates your account; ignored for an existing "
                                  "one. Not 16 characters of the code alphabet: INVALID, nothing created.")


@strawberry.type
class LoginPayload:
    token: str | None = None
    expires_at: datetime | None = None
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateMyProfileInput:
    display_name: str = strawberry.field(description="1-20 characters after trimming; no control characters or "
                                                     "line breaks; screened like posts and comments.")
    avatar_url: str | None = strawberry.field(
        default=None, description="An https URL (upload the image wx.chooseAvatar gives first); omitted: unchanged.")


@strawberry.type
class UpdateMyProfilePayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


# Each mutation's one argument, described.
LoginWithWechatArgument = Annotated[LoginWithWechatInput, strawberry.argument(
    description="The code wx.login() gave.")]


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Exchange a WeChat mini-program login code for an access token.")
    @payload_errors(LoginPayload)
    def login_with_wechat(self, info: Ctx, input: LoginWithWechatArgument) -> LoginPayload | None:
        settings = info.context.settings
        session = auth_service.login_with_wechat(settings, wechat_login_for(settings), input.code, utc_now(),
                                                 input.invite_code)
        return LoginPayload(token=session.token, expires_at=session.expires_at, user=User.of(session.user))

    @strawberry.mutation(description="Set your display name and avatar (the mini-program's profile form): what others "
                                     "see as your `Author`, from your next post or comment and on your profile at once.")
    @payload_errors(UpdateMyProfilePayload)
    def update_my_profile(self, info: Ctx, input: UpdateMyProfileInput) -> UpdateMyProfilePayload | None:
        user = profile.update_my_profile(info.context.principal, input.display_name, input.avatar_url)
        return UpdateMyProfilePayload(user=User.of(user))
