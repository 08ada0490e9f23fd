"""Paired terminals, found by the hash of their token or of their pairing code."""

from __future__ import annotations

from pymongo import ReturnDocument

from core.devices import Device
from core.errors import AlreadyExists
from core.repo.documents import DocumentRepository


class DeviceRepository(DocumentRepository[Device]):
    collection_name, model, kind = "devices", Device, "device"
    default_sort = [("theater_id", 1), ("name_key", 1)]

    def add(self, device: Device) -> Device:
        try:
            return self.insert(device)
        except AlreadyExists:
            raise AlreadyExists("device", device.name) from None

    def by_token_hash(self, token_hash: str) -> Device | None:
        document = self.collection.find_one({"token_hash": token_hash})
        return None if document is None else self.load(document)

    def by_pairing_hash(self, pairing_hash: str) -> Device | None:
        document = self.collection.find_one({"pairing_hash": pairing_hash})
        return None if document is None else self.load(document)

    def by_name(self, theater_id: str, name_key: str) -> Device | None:
        document = self.collection.find_one({"theater_id": theater_id, "name_key": name_key})
        return None if document is None else self.load(document)

    def of_theaters(self, theater_ids: list[str] | None) -> list[Device]:
        """Every device, or those of some theaters."""
        if theater_ids is None:
            return self.find()
        return self.find({"theater_id": {"$in": sorted(theater_ids)}}) if theater_ids else []

    def pair(self, device_id: str, pairing_hash: str, token_hash: str, now: float) -> Device | None:
        """Use the pairing code once: the device with its token, or None when another
        call used the code first (or the device was revoked meanwhile)."""
        document = self.collection.find_one_and_update(
            {"_id": device_id, "pairing_hash": pairing_hash, "revoked_at": None},
            {
                "$set": {
                    "pairing_hash": None,
                    "pairing_expires_at": None,
                    "token_hash": token_hash,
                    "paired_at": now,
                    "last_seen": now,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return None if document is None else self.load(document)

    def seen(self, device_id: str, now: float) -> None:
        self.collection.update_one({"_id": device_id}, {"$set": {"last_seen": now}})

    def revoke(self, device_id: str, now: float) -> Device | None:
        """Revoke a device in use (its token and any unused code stop working, its name
        is free again); None if it was revoked already."""
        document = self.collection.find_one_and_update(
            {"_id": device_id, "revoked_at": None},
            {
                "$set": {
                    "revoked_at": now,
                    "pairing_hash": None,
                    "name_key": f"~revoked~{device_id}",
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return None if document is None else self.load(document)
