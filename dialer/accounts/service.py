"""Signing in, recognising callers, and managing users and API keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit import service as audit
from dialer.audit.models import AuditAction
from dialer.auth import keys, throttle
from dialer.auth.models import ApiKey, RevokedToken, Role, User
from dialer.auth.passwords import check_strength, hash_off_loop
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.schemas import ApiKeyCreate, UserCreate, UserUpdate, check_role_client
from dialer.auth.tokens import TokenSigner, password_fingerprint, token_digest
from dialer.clients.models import Client
from dialer.errors import Conflict, InvalidInput, NotFound

KEY_USE_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most this often


# --- signing in and recognising callers -------------------------------------------------------


def user_principal(user: User) -> Principal:
    return Principal(role=user.role, user_id=user.id, client_id=user.client_id, name=user.username)


async def principal_from_token(session: AsyncSession, signer: TokenSigner, token: str) -> Principal | None:
    claims = signer.verify(token)
    if claims is None:
        return None
    signed_out = exists().where(RevokedToken.digest == token_digest(token))
    row = (await session.execute(select(User, signed_out).where(User.id == claims.user_id))).first()
    if row is None:  # one round trip for the user and the revocation: every request pays it
        return None
    user, revoked = row
    if not user.is_active or revoked:
        return None
    if password_fingerprint(user.password_hash) != claims.password_fingerprint:
        return None
    if user.tokens_valid_after is not None and claims.issued_at < user.tokens_valid_after:
        return None  # issued before the user was last deactivated
    return user_principal(user)


async def sign_out(session: AsyncSession, signer: TokenSigner, token: str) -> None:
    """Revoke one bearer token until it would have expired; expired revocations are dropped."""
    claims = signer.verify(token)
    if claims is None:
        return
    now = datetime.now(UTC)
    await session.execute(delete(RevokedToken).where(RevokedToken.expires_at <= now))
    digest = token_digest(token)
    if await session.get(RevokedToken, digest) is None:
        session.add(RevokedToken(digest=digest, expires_at=claims.expires_at))
    await session.flush()


async def principal_from_key(session: AsyncSession, plaintext: str) -> Principal | None:
    prefix = keys.parse_prefix(plaintext)
    if prefix is None:
        return None
    key = await session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or key.revoked_at is not None or not keys.matches(plaintext, key.key_hash):
        return None
    now = datetime.now(UTC)
    if key.last_used_at is None or now - key.last_used_at > KEY_USE_RESOLUTION:
        key.last_used_at = now
    return Principal(role=key.role, key_id=key.id, client_id=key.client_id, name=key.name)


async def authenticate(session: AsyncSession, signer: TokenSigner, credential: str) -> Principal | None:
    """The caller a bearer token or an API key stands for, or None if it stands for nobody."""
    if keys.looks_like_key(credential):
        return await principal_from_key(session, credential)
    return await principal_from_token(session, signer, credential)


# --- users -----------------------------------------------------------------------------------


async def _check_client(session: AsyncSession, client_id: int | None) -> None:
    if client_id is not None and await session.get(Client, client_id) is None:
        raise InvalidInput(f"client_id: client {client_id} does not exist")


async def create_user(session: AsyncSession, principal: Principal | None, data: UserCreate) -> User:
    """Create a user; ``principal`` is None only for the CLI's bootstrap of the first admin."""
    if principal is not None:
        principal.require(Permission.USERS_MANAGE)
    password = data.password.get_secret_value()
    check_strength(password)
    await _check_client(session, data.client_id)
    if await session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise Conflict(f"username {data.username!r} is already taken")
    user = User(
        username=data.username,
        full_name=data.full_name,
        password_hash=await hash_off_loop(password),
        role=data.role,
        client_id=data.client_id,
        is_active=True,
    )
    session.add(user)
    await session.flush()
    await session.refresh(user)
    return user


async def list_users(session: AsyncSession, principal: Principal) -> list[User]:
    principal.require(Permission.USERS_MANAGE)
    return list(await session.scalars(select(User).order_by(User.id)))


async def get_user(session: AsyncSession, principal: Principal, user_id: int) -> User:
    principal.require(Permission.USERS_MANAGE)
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


async def update_user(session: AsyncSession, principal: Principal, user_id: int, data: UserUpdate) -> User:
    user = await get_user(session, principal, user_id)
    changes = data.model_dump(exclude_unset=True)
    role = changes.get("role", user.role)
    if "client_id" in changes:
        client_id = changes["client_id"]
    else:  # a user who stops being a controller leaves its client
        client_id = user.client_id if role is Role.CONTROLLER else None
    try:
        check_role_client(role, client_id)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if user.id == principal.user_id and (role is not Role.ADMIN or changes.get("is_active") is False):
        raise Conflict("you may not demote or deactivate yourself; ask another administrator")
    if role is not Role.ADMIN or changes.get("is_active") is False:
        await _keep_an_admin(session, user, "demote or deactivate")
    await _check_client(session, client_id)
    if data.password is not None:
        check_strength(data.password.get_secret_value())
        user.password_hash = await hash_off_loop(data.password.get_secret_value())
    if data.full_name is not None:
        user.full_name = data.full_name
    if data.is_active is not None:
        if user.is_active and not data.is_active:
            user.tokens_valid_after = datetime.now(UTC)  # its tokens stay dead if it comes back
        user.is_active = data.is_active
    user.role = role
    user.client_id = client_id
    await session.flush()
    return user


async def delete_user(session: AsyncSession, principal: Principal, user_id: int) -> None:
    user = await get_user(session, principal, user_id)
    if user.id == principal.user_id:
        raise Conflict("you may not delete yourself; ask another administrator")
    await _keep_an_admin(session, user, "delete")
    await session.delete(user)
    await session.flush()


async def _keep_an_admin(session: AsyncSession, user: User, what: str) -> None:
    """Refuse to take away the last active administrator (an API key could otherwise do it).

    The active administrators are read ``FOR UPDATE`` on PostgreSQL, so two requests removing the
    last two administrators at once cannot both pass; SQLite serialises writers anyway.
    """
    if user.role is not Role.ADMIN or not user.is_active:
        return
    admins = await session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True)).with_for_update()
    )
    if set(admins) <= {user.id}:
        raise Conflict(f"user {user.id} is the last active administrator; you may not {what} it")


async def unlock_user(
    session: AsyncSession,
    actor: Principal | audit.Actor,
    user_id: int,
    remote: audit.Remote | None = None,
) -> User:
    """Unlock an account locked by wrong passwords (and forget its attempts); audited."""
    if isinstance(actor, Principal):
        actor.require(Permission.USERS_MANAGE)
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    was_locked = user.locked_at
    user.locked_at = None
    user.failed_sign_ins = 0
    await throttle.forget(session, throttle.account_key(user.username))
    await audit.record(
        session,
        actor,
        AuditAction.UNLOCK,
        "user",
        user.id,
        client_id=None,
        detail={"username": user.username, "was_locked": was_locked is not None},
        remote=remote,
    )
    await session.flush()
    return user


async def user_id_by_name(session: AsyncSession, username: str) -> int:
    user_id = await session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise NotFound(f"user {username!r} not found")
    return user_id


# --- API keys ---------------------------------------------------------------------------------


async def create_key(
    session: AsyncSession, principal: Principal | None, data: ApiKeyCreate
) -> tuple[ApiKey, str]:
    """A new key and its plaintext, which is never stored and cannot be shown again."""
    if principal is not None:
        principal.require(Permission.KEYS_MANAGE)
    await _check_client(session, data.client_id)
    new = keys.generate_key()
    key = ApiKey(
        name=data.name,
        prefix=new.prefix,
        key_hash=new.digest,
        role=data.role,
        client_id=data.client_id,
        created_by=principal.user_id if principal else None,
    )
    session.add(key)
    await session.flush()
    await session.refresh(key)
    return key, new.plaintext


async def list_keys(session: AsyncSession, principal: Principal) -> list[ApiKey]:
    principal.require(Permission.KEYS_MANAGE)
    return list(await session.scalars(select(ApiKey).order_by(ApiKey.id)))


async def revoke_key(session: AsyncSession, principal: Principal, key_id: int) -> ApiKey:
    principal.require(Permission.KEYS_MANAGE)
    key = await session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"API key {key_id} not found")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await session.flush()
    return key
