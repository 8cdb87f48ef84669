"""Imaging: upload checks, content-addressed storage, screen renditions and text slides."""

from campaign.rendering.colours import contrast_ratio, parse_hex
from campaign.rendering.legibility import check_legibility, measure_contrast, min_text_px
from campaign.rendering.qr import qr_image
from campaign.rendering.renditions import ScreenClass, render_renditions
from campaign.rendering.samples import render_samples
from campaign.rendering.slides import (
    SLIDE_LAYOUT_VERSION,
    SlideDoesNotFit,
    SlideNotLegible,
    SlideResult,
    TextBox,
    render_text_slide,
)
from campaign.rendering.store import AssetStore, StorageFull, StoredFile
from campaign.rendering.uploads import ProcessedImage, UploadRejected, process_upload

__all__ = [
    "SLIDE_LAYOUT_VERSION",
    "AssetStore",
    "ProcessedImage",
    "ScreenClass",
    "SlideDoesNotFit",
    "SlideNotLegible",
    "SlideResult",
    "StorageFull",
    "StoredFile",
    "TextBox",
    "UploadRejected",
    "check_legibility",
    "contrast_ratio",
    "measure_contrast",
    "min_text_px",
    "parse_hex",
    "process_upload",
    "qr_image",
    "render_renditions",
    "render_samples",
    "render_text_slide",
]
