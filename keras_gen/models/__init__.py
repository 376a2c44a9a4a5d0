"""The generative models: GAN, DCGAN, CGAN, Pix2Pix, CycleGAN, VAE, CVAE,
Diffusion and ConditionalDiffusion."""

from keras_gen.models.cgan import CGAN
from keras_gen.models.cvae import CVAE
from keras_gen.models.cyclegan import CycleGAN
from keras_gen.models.dcgan import DCGAN
from keras_gen.models.diffusion import ConditionalDiffusion, Diffusion
from keras_gen.models.gan import GAN
from keras_gen.models.generative_model import GenerativeModel
from keras_gen.models.own_loss import OwnLossModel
from keras_gen.models.pix2pix import Pix2Pix
from keras_gen.models.vae import VAE

__all__ = [
    "CGAN",
    "CVAE",
    "ConditionalDiffusion",
    "CycleGAN",
    "DCGAN",
    "Diffusion",
    "GAN",
    "GenerativeModel",
    "OwnLossModel",
    "Pix2Pix",
    "VAE",
]
