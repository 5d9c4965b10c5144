"""Signing in, recognising callers, and managing users and API keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth import keys
from dialer.auth.models import ApiKey, Role, User
from dialer.auth.passwords import (
    DUMMY_HASH,
    check_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.schemas import ApiKeyCreate, UserCreate, UserUpdate, check_role_client
from dialer.auth.tokens import TokenSigner, password_fingerprint
from dialer.clients.models import Client
from dialer.errors import Conflict, InvalidInput, NotFound

KEY_USE_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most this often


# --- signing in and recognising callers -------------------------------------------------------


async def sign_in(
    session: AsyncSession, signer: TokenSigner, username: str, password: str
) -> tuple[str, datetime] | None:
    """A token and its expiry for the right username and password of an active user, else None."""
    user = await session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(DUMMY_HASH, password)  # same time for unknown users as for wrong passwords
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return signer.issue(user.id, user.password_hash)


def user_principal(user: User) -> Principal:
    return Principal(role=user.role, user_id=user.id, client_id=user.client_id, name=user.username)


async def principal_from_token(session: AsyncSession, signer: TokenSigner, token: str) -> Principal | None:
    claims = signer.verify(token)
    if claims is None:
        return None
    user = await session.get(User, claims.user_id)
    if user is None or not user.is_active:
        return None
    if password_fingerprint(user.password_hash) != claims.password_fingerprint:
        return None
    return user_principal(user)


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
        password_hash=hash_password(password),
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
    await _check_client(session, client_id)
    if data.password is not None:
        check_strength(data.password.get_secret_value())
        user.password_hash = hash_password(data.password.get_secret_value())
    if data.full_name is not None:
        user.full_name = data.full_name
    if data.is_active is not None:
        user.is_active = data.is_active
    user.role = role
    user.client_id = client_id
    await session.flush()
    return user


async def delete_user(session: AsyncSession, principal: Principal, user_id: int) -> None:
    user = await get_user(session, principal, user_id)
    if user.id == principal.user_id:
        raise Conflict("you may not delete yourself; ask another administrator")
    await session.delete(user)
    await session.flush()


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
