"""Builders for the networks of the generative models, one family per module.

Every builder returns a functional `keras.Model`. Every keras_gen model also
accepts networks of your own.

- `mlp_generator` / `mlp_discriminator`: the fully connected GAN of the
  classic MNIST scripts (two hidden layers of 256).
- `dcgan_generator` / `dcgan_discriminator`: the DCGAN architecture
  (Radford et al., 2016) for any square or rectangular image whose sides are
  `4 * 2**k` or `7 * 2**k` (28x28, 32x32, 64x64, ...): strided (transposed)
  convolutions with kernel 4, BatchNorm, ReLU in the generator and
  LeakyReLU(0.2) in the discriminator, no biases before BatchNorm, weights
  drawn from N(0, 0.02) and BatchNorm scales from N(1, 0.02).
- `r3gan_generator` / `r3gan_discriminator`: R3GAN's residual networks
  (Huang et al., 2024) for the same sides: grouped convolutions in inverted
  bottlenecks, no normalization, fix-up initialisation; with them the
  layers `GenerativeBasis` and `GroupedConv2D`.
- `vae_encoder` / `vae_decoder`: convolutional encoder to a Gaussian's mean
  and log-variance, and the mirrored decoder.
- `unet_generator` / `patchgan_discriminator`: pix2pix's image-to-image
  U-Net and its patch discriminator (Isola et al., 2017).
- `resnet_generator`: CycleGAN's residual image-to-image generator (Zhu et
  al., 2017), judged by `patchgan_discriminator(normalization="instance")`.
- `diffusion_unet`: the noise predictor of `kg.Diffusion` (Ho et al., 2020),
  with its layer `SinusoidalEmbedding`.
"""

from keras_gen.networks.common import spatial_plan
from keras_gen.networks.cyclegan import resnet_generator
from keras_gen.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gen.networks.diffusion import SinusoidalEmbedding, diffusion_unet
from keras_gen.networks.mlp import mlp_discriminator, mlp_generator
from keras_gen.networks.pix2pix import patchgan_discriminator, unet_generator
from keras_gen.networks.r3gan import (
    GenerativeBasis,
    GroupedConv2D,
    r3gan_discriminator,
    r3gan_generator,
)
from keras_gen.networks.vae import vae_decoder, vae_encoder

__all__ = [
    "GenerativeBasis",
    "GroupedConv2D",
    "SinusoidalEmbedding",
    "dcgan_discriminator",
    "dcgan_generator",
    "diffusion_unet",
    "mlp_discriminator",
    "mlp_generator",
    "patchgan_discriminator",
    "r3gan_discriminator",
    "r3gan_generator",
    "resnet_generator",
    "spatial_plan",
    "unet_generator",
    "vae_decoder",
    "vae_encoder",
]
