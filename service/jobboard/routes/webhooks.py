"""Webhook endpoints: register (the secret is shown once), list, read, delete, rotate the
secret, enable a disabled one (its held deliveries are sent), send a test ping. Every POST
honours ``Idempotency-Key``: a retried action replays its first answer."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from service.deps import ServicesDep
from service.jobboard import outbox, webhooks
from service.jobboard.routes.common import (
    JobsRead,
    JobsWrite,
    UrlRefusedError,
    board,
    canonical_json,
    fingerprint,
    found,
    in_session,
    invalid,
    json_response,
    not_found,
    responses,
    run_idempotent,
)
from service.jobboard.schemas import (
    EndpointCreated,
    EndpointIn,
    EndpointList,
    EndpointOut,
    endpoint_out,
)
from service.jobboard.urlguard import UnsafeUrlError, check_url
from service.storage import repositories as repo
from service.storage.models import WebhookEndpoint

router = APIRouter(prefix="/v1", tags=["webhooks"])

SUBSCRIBABLE = sorted(t for t in outbox.EVENT_TYPES if t != outbox.WEBHOOK_TEST)


class SecretOut(BaseModel):
    id: str
    secret: str = Field(description="The new whsec_ secret: shown once.")


class PingOut(BaseModel):
    event_id: str


@router.post(
    "/webhook-endpoints",
    response_model=EndpointCreated,
    status_code=201,
    summary="Register a webhook endpoint",
    responses=responses(
        "unauthenticated",
        "forbidden",
        "validation-error",
        "url-refused",
        "idempotency-in-progress",
        "idempotency-key-reused",
    ),
)
async def create_endpoint(
    request: Request, body: EndpointIn, services: ServicesDep, _principal: JobsWrite
) -> Response:
    """Register a URL for events (application.scored, batch.completed, candidate.erased,
    job.updated; none listed: all). The response holds the ``whsec_`` signing secret, shown
    this once."""
    unknown = sorted(set(body.event_types) - set(SUBSCRIBABLE))
    if unknown:
        raise invalid(
            ("body", "event_types"),
            f"Unknown event type(s) {', '.join(unknown)}; known: {', '.join(SUBSCRIBABLE)}.",
        )
    allow = board(request).settings.allow_private_urls
    try:
        await anyio.to_thread.run_sync(lambda: check_url(body.url, allow_private=allow))
    except UnsafeUrlError as exc:
        raise UrlRefusedError(str(exc)) from None

    async def handle() -> Response:
        def write() -> EndpointCreated:
            with services.sessions.begin() as session:
                endpoint = repo.create_endpoint(
                    session,
                    url=body.url,
                    event_types=body.event_types,
                    description=body.description,
                )
                session.flush()
                return EndpointCreated(
                    **endpoint_out(endpoint).model_dump(), secret=endpoint.secret
                )

        return json_response(await anyio.to_thread.run_sync(write), 201)

    return await run_idempotent(request, fingerprint(canonical_json(body.model_dump())), handle)


@router.get(
    "/webhook-endpoints",
    response_model=EndpointList,
    summary="List webhook endpoints",
    responses=responses("unauthenticated", "forbidden"),
)
async def list_endpoints(services: ServicesDep, _principal: JobsRead) -> Response:
    """Every endpoint with its state (never its secret)."""

    return await in_session(
        services, lambda s: EndpointList(items=[endpoint_out(e) for e in repo.list_endpoints(s)])
    )


@router.get(
    "/webhook-endpoints/{endpoint_id}",
    response_model=EndpointOut,
    summary="Read a webhook endpoint",
    responses=responses("unauthenticated", "forbidden", "not-found"),
)
async def get_endpoint(endpoint_id: str, services: ServicesDep, _principal: JobsRead) -> Response:
    """An endpoint's URL, event types, failures in a row and whether it was disabled."""

    return await in_session(services, lambda s: endpoint_out(_endpoint(s, endpoint_id)))


@router.delete(
    "/webhook-endpoints/{endpoint_id}",
    status_code=204,
    summary="Delete a webhook endpoint",
    responses=responses("unauthenticated", "forbidden", "not-found"),
)
async def delete_endpoint(
    endpoint_id: str, services: ServicesDep, _principal: JobsWrite
) -> Response:
    """Delete an endpoint with its pending deliveries and delivery log."""

    def write() -> None:
        with services.sessions.begin() as session:
            if not repo.delete_endpoint(session, endpoint_id):
                raise not_found("webhook endpoint", endpoint_id)

    await anyio.to_thread.run_sync(write)
    return Response(status_code=204)


# The problems of an action on one endpoint, its Idempotency-Key included.
ACTION_PROBLEMS = (
    "unauthenticated",
    "forbidden",
    "not-found",
    "idempotency-in-progress",
    "idempotency-key-reused",
)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response_model=SecretOut,
    summary="Replace an endpoint's signing secret",
    responses=responses(*ACTION_PROBLEMS),
)
async def rotate_secret(
    request: Request, endpoint_id: str, services: ServicesDep, _principal: JobsWrite
) -> Response:
    """A new ``whsec_`` secret (shown once); deliveries are signed with it from now on.
    A disabled endpoint stays disabled: enable it with ``POST .../enable``. A retry with
    the same ``Idempotency-Key`` answers the same secret instead of replacing it again."""

    def write(session: Session) -> SecretOut:
        endpoint = _endpoint(session, endpoint_id)
        secret = repo.rotate_secret(session, endpoint)
        return SecretOut(id=endpoint.id, secret=secret)

    async def handle() -> Response:
        return await in_session(services, write, commit=True)

    return await run_idempotent(request, fingerprint(endpoint_id), handle)


class EnabledOut(BaseModel):
    endpoint: EndpointOut
    released: int = Field(
        description="Deliveries held while the endpoint was disabled, now sent in order."
    )


@router.post(
    "/webhook-endpoints/{endpoint_id}/enable",
    response_model=EnabledOut,
    summary="Enable a disabled webhook endpoint",
    responses=responses(*ACTION_PROBLEMS),
)
async def enable_endpoint(
    request: Request, endpoint_id: str, services: ServicesDep, _principal: JobsWrite
) -> Response:
    """Enable an endpoint that was disabled (it failed continuously for the configured time,
    or answered 410 Gone). Every event created meanwhile was kept as a held delivery: they
    are sent now, in order of creation, under their own webhook-ids. Enabling an enabled
    endpoint changes nothing (``released`` is 0)."""

    def write() -> EnabledOut:
        with services.sessions.begin() as session:
            endpoint = session.get(WebhookEndpoint, endpoint_id)
            if endpoint is None:
                raise not_found("webhook endpoint", endpoint_id)
            released = webhooks.enable_endpoint(session, endpoint)
            session.flush()
            return EnabledOut(endpoint=endpoint_out(endpoint), released=released)

    async def handle() -> Response:
        return json_response(await anyio.to_thread.run_sync(write))

    return await run_idempotent(request, fingerprint(endpoint_id), handle)


@router.post(
    "/webhook-endpoints/{endpoint_id}/test",
    response_model=PingOut,
    status_code=202,
    summary="Send a test event to one endpoint",
    responses=responses(*ACTION_PROBLEMS),
)
async def ping_endpoint(
    request: Request, endpoint_id: str, services: ServicesDep, _principal: JobsWrite
) -> Response:
    """Queue a signed ``webhook.test`` event for this endpoint only (see ``GET /v1/events``
    for the delivery log)."""

    def write(session: Session) -> PingOut:
        endpoint = _endpoint(session, endpoint_id)
        event = outbox.emit(
            session,
            outbox.WEBHOOK_TEST,
            {"endpoint_id": endpoint.id, "message": "rolefit webhook test"},
            endpoints=[endpoint],
        )
        return PingOut(event_id=event.id)

    async def handle() -> Response:
        return await in_session(services, write, commit=True, status=202)

    return await run_idempotent(request, fingerprint(endpoint_id), handle)


def _endpoint(session: Session, endpoint_id: str) -> WebhookEndpoint:
    return found(session.get(WebhookEndpoint, endpoint_id), "webhook endpoint", endpoint_id)
